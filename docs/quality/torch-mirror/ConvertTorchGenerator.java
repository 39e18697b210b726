import java.io.File;
import java.nio.*;
import java.nio.file.*;
import org.deeplearning4j.util.ModelSerializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Not part of ganforge (docs/quality.md, "The same recipe in PyTorch"): copies the PyTorch mirror's
 * EMA generator (torch_face.py's OUT/ema-N dump) into a ganforge generator zip of the same
 * architecture, and prints the largest difference between the two frameworks' outputs on the dumped
 * test batch. Written for cgan_face.yaml on ORL: 100 latent values + 40 classes = 140 inputs.
 *
 * <pre>
 * java -cp "framework/distribution/target/lib/*" docs/quality/torch-mirror/ConvertTorchGenerator.java \
 *     RUN/checkpoints/step-00002000/generator_average.zip OUT/ema-00002000 converted.zip
 * </pre>
 *
 * RUN is any cgan_face.yaml run (its generator average gives the configuration). To judge the
 * result, copy that run's folder, put converted.zip in a checkpoint folder as
 * generator_average.zip, and run {@code ganforge evaluate COPY --checkpoint THAT_FOLDER}.
 */
public class ConvertTorchGenerator {
  static float[] read(Path p) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4]; b.asFloatBuffer().get(f); return f;
  }
  static INDArray t(Path dir, String name, long... shape) throws Exception {
    return Nd4j.createFromArray(read(dir.resolve(name + ".bin"))).reshape(shape);
  }
  public static void main(String[] a) throws Exception {
    MultiLayerNetwork g = ModelSerializer.restoreMultiLayerNetwork(new File(a[0]), false);
    Path d = Paths.get(a[1]);
    set(g, "0_W", t(d, "fc.weight", 16384, 140).transpose());
    set(g, "0_b", t(d, "fc.bias", 16384));
    String[][] bn = {{"1", "net.0"}, {"4", "net.3"}, {"7", "net.6"}};
    for (String[] m : bn) {
      set(g, m[0] + "_gamma", t(d, m[1] + ".weight", -1));
      set(g, m[0] + "_beta", t(d, m[1] + ".bias", -1));
      set(g, m[0] + "_mean", t(d, m[1] + ".running_mean", -1));
      set(g, m[0] + "_log10stdev", Transforms.log(t(d, m[1] + ".running_var", -1), 10).muli(0.5));
    }
    String[][] dc = {{"3", "net.2", "256", "128"}, {"6", "net.5", "128", "64"}, {"9", "net.8", "64", "1"}};
    for (String[] m : dc) {
      set(g, m[0] + "_W", t(d, m[1] + ".weight", Long.parseLong(m[2]), Long.parseLong(m[3]), 4, 4));
      set(g, m[0] + "_b", t(d, m[1] + ".bias", -1));
    }
    INDArray x = t(d, "test_x", 80, 140), y = t(d, "test_y", 80, 1, 64, 64);
    INDArray out = g.output(x, false);
    System.out.println("max |dl4j - torch| = " + Transforms.abs(out.sub(y)).maxNumber() + ", max |torch| " + Transforms.abs(y).maxNumber());
    ModelSerializer.writeModel(g, new File(a[2]), false);
  }
  static void set(MultiLayerNetwork g, String k, INDArray v) {
    INDArray cur = g.getParam(k);
    if (cur.length() != v.length()) throw new IllegalStateException(k + " " + cur.length() + " vs " + v.length());
    g.setParam(k, v.castTo(cur.dataType()).reshape(cur.shape()));
  }
}
