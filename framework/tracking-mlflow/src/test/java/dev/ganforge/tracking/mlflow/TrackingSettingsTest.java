package dev.ganforge.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ganforge.core.spec.TrackingSpec;
import dev.ganforge.tracking.mlflow.Tracker.RemoteRun;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackingSettingsTest {

    @Test
    void theSpecUriWinsOverTheEnvironmentAndNeitherMeansNoTracking() {
        Map<String, String> env = Map.of("MLFLOW_TRACKING_URI", "http://env:5000/");
        assertThat(TrackingSettings.resolve(null, Map.of())).isEmpty();
        assertThat(TrackingSettings.resolve(null, env))
                .hasValueSatisfying(s -> assertThat(s.uri()).isEqualTo("http://env:5000"));
        assertThat(TrackingSettings.resolve(new TrackingSpec("https://spec:443", "faces"), env))
                .hasValueSatisfying(
                        s -> {
                            assertThat(s.uri()).isEqualTo("https://spec:443");
                            assertThat(s.experiment()).isEqualTo("faces");
                        });
        assertThat(TrackingSettings.resolve(new TrackingSpec(null, "faces"), env))
                .hasValueSatisfying(s -> assertThat(s.uri()).isEqualTo("http://env:5000"));
    }

    @Test
    void credentialsComeFromTheEnvironmentAndNeverShowInToString() {
        TrackingSettings basic =
                TrackingSettings.withUri(
                        "http://h:1",
                        null,
                        Map.of(
                                "MLFLOW_TRACKING_USERNAME",
                                "ann",
                                "MLFLOW_TRACKING_PASSWORD",
                                "s3cret-pw",
                                "MLFLOW_TRACKING_INSECURE_TLS",
                                "TRUE"));
        assertThat(basic.authorization())
                .hasValue(
                        "Basic " + Base64.getEncoder().encodeToString("ann:s3cret-pw".getBytes()));
        assertThat(basic.insecureTls()).isTrue();
        assertThat(basic.toString())
                .contains("auth=basic")
                .doesNotContain("s3cret-pw")
                .doesNotContain("ann");
        TrackingSettings bearer =
                TrackingSettings.withUri(
                        "http://h:1", null, Map.of("MLFLOW_TRACKING_TOKEN", "tok-123"));
        assertThat(bearer.authorization()).hasValue("Bearer tok-123");
        assertThat(bearer.toString()).doesNotContain("tok-123");
        assertThat(TrackingSettings.withUri("http://h:1", null, Map.of()).authorization())
                .isEmpty();
    }

    @Test
    void aUriWithUserInfoIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> new TrackingSpec("http://ann:s3cret-pw@h:5000", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cret-pw")
                .hasMessageContaining("MLFLOW_TRACKING_USERNAME");
        assertThatThrownBy(() -> new TrackingSpec("file:///tmp/mlruns", null))
                .hasMessageContaining("http://");
    }

    @Test
    void artifactUploadsGoToTheProxyPathOfTheRunWithEverySegmentEncoded() {
        RemoteRun run = new RemoteRun("abc", "1", "mlflow-artifacts:/1/abc/artifacts");
        assertThat(MlflowTracker.artifactUrlPath(run, "images/real+step+3+timestamp+5+u.png"))
                .isEqualTo(
                        "/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/images/real%2Bstep%2B3%2Btimestamp%2B5%2Bu.png");
        assertThat(
                        MlflowTracker.artifactUrlPath(
                                new RemoteRun(
                                        "abc", "1", "mlflow-artifacts://host:5000/1/abc/artifacts"),
                                "a b.txt"))
                .isEqualTo("/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/a%20b.txt");
        assertThatThrownBy(
                        () ->
                                MlflowTracker.artifactUrlPath(
                                        new RemoteRun("abc", "1", "s3://bucket/1/abc/artifacts"),
                                        "x"))
                .isInstanceOf(ArtifactsUnavailableException.class)
                .hasMessageContaining("--no-serve-artifacts");
    }
}
