package dev.ganforge.engine.onednn;

/** oneDNN could not create or run a primitive; the message names the operation and status code. */
public final class OneDnnException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, with oneDNN's status code
     */
    public OneDnnException(String message) {
        super(message);
    }
}
