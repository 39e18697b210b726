package dev.ganforge.sweep.spark.driver;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Spark application behind {@code ganforge sweep --executor spark}, started by {@code
 * spark-submit} (client deploy mode: it runs beside the sweep process, which talks to it over
 * standard input and output, see {@link Wire}). Each {@code RUN} line becomes one Spark job of one
 * task ({@link SegmentTask}), submitted at once from its own thread, so the cluster runs as many
 * segments as it has task slots and Spark's scheduler handles placement and retries: a task whose
 * executor is lost runs again on another one. {@code STOP} cancels every job (their trials
 * checkpoint); {@code QUIT} waits for running jobs and stops the context.
 *
 * <p>This class and its package use Spark and the JDK only: no ganforge or DL4J class is ever
 * loaded into Spark's JVMs.
 */
public final class SparkTrialDriver {

    private SparkTrialDriver() {}

    /**
     * @param args none; the master and settings come from {@code spark-submit}
     * @throws Exception if the context cannot start or standard input fails
     */
    public static void main(String[] args) throws Exception {
        PrintStream out =
                new PrintStream(
                        new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
        SparkConf conf = new SparkConf();
        conf.setIfMissing("spark.app.name", "ganforge sweep");
        // a trial that fails is not retried by Spark: the sweep's scheduler decides; lost executors
        // are not failures and are always retried
        conf.setIfMissing("spark.task.maxFailures", "4");
        JavaSparkContext context = new JavaSparkContext(conf);
        context.setLogLevel("WARN");
        int slots = awaitExecutors(context);
        out.println(Wire.PREFIX + "READY " + slots);
        ExecutorService jobs = Executors.newCachedThreadPool();
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        boolean quit = false;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("RUN ")) {
                Wire.Segment segment = Wire.Segment.decode(line.substring(4));
                jobs.submit(() -> run(context, segment, out));
            } else if (line.equals("STOP")) {
                context.cancelAllJobs();
            } else if (line.equals("QUIT")) {
                quit = true;
                break;
            }
        }
        if (!quit) {
            // the sweep process died (its end of the pipe closed): stop the trials, which
            // checkpoint; the sweep, started again, resumes them
            System.err.println("ganforge: the sweep process is gone; cancelling its segments");
            context.cancelAllJobs();
        }
        jobs.shutdown();
        jobs.awaitTermination(5, TimeUnit.MINUTES);
        context.stop();
    }

    /**
     * Waits up to 120 s for the first executor; the slots are the cluster's default parallelism.
     */
    private static int awaitExecutors(JavaSparkContext context) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (context.sc().getExecutorMemoryStatus().size() < 2
                && !context.master().startsWith("local")
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        int cpusPerTask = context.getConf().getInt("spark.task.cpus", 1);
        return Math.max(1, context.defaultParallelism() / cpusPerTask);
    }

    private static void run(JavaSparkContext context, Wire.Segment segment, PrintStream out) {
        String group = "ganforge-segment-" + segment.number();
        try {
            context.setJobGroup(
                    group,
                    "ganforge trial " + segment.trialId() + " to step " + segment.targetSteps(),
                    true);
            List<String> result =
                    context.parallelize(List.of(segment), 1).map(new SegmentTask()).collect();
            synchronized (out) {
                out.println(Wire.PREFIX + "DONE " + segment.number() + " " + result.get(0));
            }
        } catch (Exception e) {
            // Spark throws its SparkException (a checked exception in Java's terms, undeclared
            // from Scala) for a cancelled or failed job: caught here, or the sweep would wait
            // forever for a segment whose job thread ended silently
            String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
            synchronized (out) {
                if (message.contains("cancelled")) {
                    out.println(Wire.PREFIX + "DONE " + segment.number() + " 130 -1 -");
                } else {
                    out.println(
                            Wire.PREFIX
                                    + "FAIL "
                                    + segment.number()
                                    + " "
                                    + message.substring(0, Math.min(message.length(), 2000)));
                }
            }
        } finally {
            context.clearJobGroup();
        }
    }
}
