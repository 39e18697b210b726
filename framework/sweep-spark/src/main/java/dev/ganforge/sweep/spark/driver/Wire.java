package dev.ganforge.sweep.spark.driver;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The line protocol between ganforge's sweep process and {@link SparkTrialDriver}, over the
 * driver's standard input and output. Plain JDK code, so both halves use it without sharing a
 * library. ganforge writes {@code RUN <segment>}, {@code STOP} (cancel every running segment) and
 * {@code QUIT}; the driver answers {@code GANFORGE READY <slots>}, {@code GANFORGE DONE <n> <exit
 * code> <attempt> <host>} and {@code GANFORGE FAIL <n> <message>}. Lines that do not start with
 * {@code GANFORGE } are Spark's own output.
 */
public final class Wire {

    /** Prefix of the driver's protocol lines on its standard output. */
    public static final String PREFIX = "GANFORGE ";

    private Wire() {}

    /**
     * One segment as the driver receives it.
     *
     * @param number the sweep process's number for this submission
     * @param trialId the trial's identity
     * @param targetSteps the step it trains to
     * @param startCommand the command of a fresh start
     * @param resumeCommand the command of a continuation (used when the run folder has a
     *     checkpoint)
     * @param environment {@code KEY=VALUE} entries added to the trial JVM's environment
     * @param runDirectory the trial's run folder, a path every node sees
     * @param log the file the trial's output is appended to
     */
    public record Segment(
            long number,
            String trialId,
            long targetSteps,
            List<String> startCommand,
            List<String> resumeCommand,
            List<String> environment,
            String runDirectory,
            String log)
            implements Serializable {

        /**
         * @return the segment as one line without the {@code RUN } keyword
         */
        public String encode() {
            return String.join(
                    "\t",
                    field(Long.toString(number)),
                    field(trialId),
                    field(Long.toString(targetSteps)),
                    list(startCommand),
                    list(resumeCommand),
                    list(environment),
                    field(runDirectory),
                    field(log));
        }

        /**
         * @param line what {@link #encode()} wrote
         * @return the segment
         * @throws IllegalArgumentException if the line is not an encoded segment
         */
        public static Segment decode(String line) {
            String[] parts = line.split("\t", -1);
            if (parts.length != 8) {
                throw new IllegalArgumentException(
                        "a segment has 8 fields, this line has " + parts.length);
            }
            return new Segment(
                    Long.parseLong(text(parts[0])),
                    text(parts[1]),
                    Long.parseLong(text(parts[2])),
                    unlist(parts[3]),
                    unlist(parts[4]),
                    unlist(parts[5]),
                    text(parts[6]),
                    text(parts[7]));
        }
    }

    private static String field(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(String field) {
        return new String(Base64.getDecoder().decode(field), StandardCharsets.UTF_8);
    }

    private static String list(List<String> values) {
        return field(String.join("\0", values));
    }

    private static List<String> unlist(String field) {
        String joined = text(field);
        return joined.isEmpty()
                ? List.of()
                : new ArrayList<>(Arrays.asList(joined.split("\0", -1)));
    }
}
