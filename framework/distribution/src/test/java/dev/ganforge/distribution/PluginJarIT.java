package dev.ganforge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ganforge.core.plugin.PluginRegistry;
import dev.ganforge.core.plugin.Plugins;
import dev.ganforge.spi.PluginKind;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party plugin jar, compiled here against the SPI alone, is found by ServiceLoader when its
 * jar is on the class path (as the launcher puts {@code plugins/*.jar}), without touching the core.
 */
class PluginJarIT {

    @TempDir Path temp;

    @Test
    void aPluginJarOnTheClassPathIsDiscovered() throws Exception {
        Path source = temp.resolve("src/example/ConstantSampler.java");
        Files.createDirectories(source.getParent());
        Files.writeString(
                source,
                """
                package example;
                import dev.ganforge.spi.SamplerPlugin;
                import dev.ganforge.spi.SpecField;
                import org.nd4j.linalg.api.ndarray.INDArray;
                public class ConstantSampler implements SamplerPlugin<ConstantSampler.Spec> {
                    public record Spec(@SpecField(doc = "value", defaultValue = "0.5") double value) {}
                    public String name() { return "constant"; }
                    public Class<Spec> specClass() { return Spec.class; }
                    public void sample(Spec spec, INDArray z, org.nd4j.linalg.api.rng.Random random) {
                        z.assign(spec.value());
                    }
                }
                """);
        Path classes = temp.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int status =
                compiler.run(
                        null,
                        null,
                        null,
                        "-d",
                        classes.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        source.toString());
        assertThat(status).isZero();
        Path jar = temp.resolve("plugins/constant-sampler.jar");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(
                    out,
                    "META-INF/services/dev.ganforge.spi.GanPlugin",
                    "example.ConstantSampler\n".getBytes(StandardCharsets.UTF_8));
            for (String name :
                    List.of(
                            "example/ConstantSampler.class",
                            "example/ConstantSampler$Spec.class")) {
                add(out, name, Files.readAllBytes(classes.resolve(name)));
            }
        }

        PluginRegistry without = Plugins.load(getClass().getClassLoader());
        PluginRegistry with;
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            with = Plugins.load(loader);
        }

        assertThat(without.names(PluginKind.SAMPLER)).doesNotContain("constant");
        assertThat(with.names(PluginKind.SAMPLER)).contains("constant", "uniform", "normal");
        assertThat(with.names(PluginKind.MODEL)).contains("gan", "cgan");
    }

    private static void add(JarOutputStream out, String name, byte[] bytes) throws Exception {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }
}
