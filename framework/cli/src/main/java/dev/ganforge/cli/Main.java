package dev.ganforge.cli;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import dev.ganforge.config.SpecException;
import dev.ganforge.core.assembly.CoreModule;
import dev.ganforge.core.plugin.PluginLoadException;
import dev.ganforge.core.plugin.UnknownPluginException;
import dev.ganforge.core.runtime.NativeRuntime;
import dev.ganforge.core.train.ExperimentException;
import dev.ganforge.spi.DataException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * The {@code ganforge} command line. Exit codes: 0 success; 1 a run failed (non-finite loss); 2 a
 * bad command line, spec or plugin set; 3 bad data; 4 an I/O failure; 5 a tracking server that
 * failed or refused a sync; 6 the CUDA build started without a usable GPU; 130 a run stopped by
 * Ctrl-C, or a sweep trial whose sweep process ended (resumable); 143 a run stopped by SIGTERM (the
 * JVM's own code for it; resumable). User errors print one readable message, internal errors keep
 * their stack trace.
 */
public final class Main {

    /** Exit code of a failed run. */
    public static final int RUN_FAILED = 1;

    /** Exit code of a bad command line, spec or plugin set. */
    public static final int USAGE = 2;

    /** Exit code of unreadable or unsuitable data. */
    public static final int DATA = 3;

    /** Exit code of a file that cannot be read or written. */
    public static final int IO = 4;

    /** Exit code of a sync that the tracking server failed or refused. */
    public static final int TRACKING = 5;

    /** Exit code of the CUDA build started without a usable GPU. */
    public static final int NO_GPU = 6;

    /**
     * Exit code of a run stopped by Ctrl-C or because its sweep process ended (SIGTERM ends the JVM
     * with 143 instead).
     */
    public static final int KILLED = 130;

    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

    private Main() {}

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        // Plugins report through java.util.logging; one line each, like the rest of the output
        // ("INFO: skipped 1 file …"), instead of the default date-and-class line above each.
        if (System.getProperty(LOG_FORMAT) == null) {
            System.setProperty(LOG_FORMAT, "%4$s: %5$s%6$s%n");
        }
        NativeRuntime.configure();
        String gpuProblem =
                BackendCheck.cudaProblem(Main.class.getClassLoader(), BackendCheck.CUDA_BACKEND);
        if (gpuProblem != null) {
            System.err.println(gpuProblem);
            System.exit(NO_GPU);
        }
        System.exit(
                execute(
                        args,
                        new PrintWriter(System.out, true),
                        new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line without exiting the JVM (tests call this).
     *
     * @param args the command line
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        Injector injector;
        try {
            injector = application(Thread.currentThread().getContextClassLoader());
        } catch (PluginLoadException e) {
            err.println("error: " + e.getMessage());
            return USAGE;
        }
        CommandLine commandLine =
                new CommandLine(GanforgeCommand.class, new GuiceFactory(injector));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(
                (exception, command, parseResult) -> {
                    int code = userErrorCode(exception);
                    if (code == 0) {
                        throw exception;
                    }
                    err.println("error: " + exception.getMessage());
                    return code;
                });
        return commandLine.execute(args);
    }

    /**
     * The composition root: the one Injector of the process, from the core's module (plugins,
     * engines, spec loader, trainer factory) over what {@link java.util.ServiceLoader} finds on the
     * class loader.
     *
     * @param classLoader where plugins and engines are looked up
     * @return the injector the commands are created by
     * @throws PluginLoadException if a plugin or engine cannot be loaded, or two share a name
     */
    public static Injector application(ClassLoader classLoader) {
        try {
            return Guice.createInjector(Stage.PRODUCTION, CoreModule.discover(classLoader));
        } catch (CreationException e) {
            if (e.getCause() instanceof PluginLoadException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static int userErrorCode(Exception exception) {
        if (exception instanceof SpecException
                || exception instanceof UnknownPluginException
                || exception instanceof PluginLoadException
                || exception instanceof ExperimentException) {
            return USAGE;
        }
        if (exception instanceof DataException) {
            return DATA;
        }
        if (exception instanceof UncheckedIOException) {
            return IO;
        }
        return 0;
    }
}
