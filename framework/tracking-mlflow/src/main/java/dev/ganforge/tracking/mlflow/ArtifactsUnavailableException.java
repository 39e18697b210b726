package dev.ganforge.tracking.mlflow;

/**
 * The tracking server does not store artifacts for clients: it was started with {@code
 * --no-serve-artifacts}, so its runs' artifact URIs point at storage only the server's own host (or
 * a cloud client) can write. Not retryable; artifacts and sample grids stay in the run folder.
 */
public final class ArtifactsUnavailableException extends TrackingException {

    /**
     * @param message what the server reported
     */
    public ArtifactsUnavailableException(String message) {
        super(message, false, 0, null);
    }
}
