package dev.ganforge.tracking.mlflow;

/**
 * A tracking call that failed. Messages name the request and the server's answer, never
 * credentials.
 */
public class TrackingException extends RuntimeException {

    private final boolean retryable;
    private final int httpStatus;

    /**
     * @param message what failed
     * @param retryable true for server errors (5xx), I/O errors and timeouts; false for refused
     *     requests (4xx)
     * @param httpStatus the HTTP status, 0 when no answer came
     * @param cause the cause, or null
     */
    public TrackingException(String message, boolean retryable, int httpStatus, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.httpStatus = httpStatus;
    }

    /**
     * @return true if trying again later may succeed
     */
    public boolean retryable() {
        return retryable;
    }

    /**
     * @return the HTTP status, 0 when no answer came
     */
    public int httpStatus() {
        return httpStatus;
    }
}
