package dev.ganforge.spi;

/**
 * Bad training data: a missing file or folder, a malformed header, an empty class, too few images.
 * A user error: the CLI prints the message without a stack trace. The message names the file and
 * says what was expected and what was found.
 */
public class DataException extends RuntimeException {

    /**
     * @param message names the file, what was expected and what was found
     */
    public DataException(String message) {
        super(message);
    }

    /**
     * @param message names the file, what was expected and what was found
     * @param cause the underlying failure
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
