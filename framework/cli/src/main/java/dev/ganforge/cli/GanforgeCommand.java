package dev.ganforge.cli;

import picocli.CommandLine.Command;

/** The top-level {@code ganforge} command; it only groups the subcommands. */
@Command(
        name = "ganforge",
        mixinStandardHelpOptions = true,
        version = "ganforge 0.1.0",
        description = "Plugin-based experiments with generative adversarial networks.",
        subcommands = {
            RunCommand.class,
            ResumeCommand.class,
            GenerateCommand.class,
            ExploreCommand.class,
            ExportCommand.class,
            PluginsCommand.class,
            BenchCommand.class,
            SweepCommand.class,
            EvaluateCommand.class,
            ClassifierCommand.class,
            SyncCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a run failed (non-finite loss, a full disk)",
            "2:bad command line, spec or plugin",
            "3:bad data",
            "4:file I/O failure",
            "5:tracking server failed or refused a sync",
            "6:CUDA build started without a usable GPU",
            "130:run stopped by Ctrl-C (SIGINT; resumable)",
            "143:run stopped by SIGTERM (resumable)"
        })
public final class GanforgeCommand implements Runnable {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public void run() {
        commandSpec.commandLine().usage(commandSpec.commandLine().getOut());
    }
}
