package dev.ganforge.core.train;

/**
 * An experiment that cannot run as specified, found before or during training: the model does not
 * fit the data, the data is smaller than a batch, a resumed run's class list changed. A user error:
 * the CLI prints the message without a stack trace.
 */
public final class ExperimentException extends RuntimeException {

    /**
     * @param message what is wrong, naming the spec key, file or value
     */
    public ExperimentException(String message) {
        super(message);
    }
}
