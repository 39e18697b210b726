package dev.ganforge.tracking.mlflow;

import dev.ganforge.tracking.mlflow.Tracker.KeyValue;
import dev.ganforge.tracking.mlflow.Tracker.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The limits an MLflow server enforces on {@code runs/log-batch}, applied before sending (constants
 * of {@code mlflow/utils/validation.py}, https://mlflow.org/docs/latest/rest-api.html#log-batch):
 * at most 1000 metrics, 100 params and 100 tags per request, 1000 items in all and 1 MB of JSON;
 * keys of at most 250 characters from letters, digits, '_', '-', '.', ' ' and '/' (the colon that
 * non-Windows servers also allow is replaced too, so a run can move to any server); param values of
 * at most 6000 characters and tag values of at most 8000.
 */
public final class LogBatchLimits {

    /** Metrics per request. */
    public static final int MAX_METRICS = 1000;

    /** Params per request. */
    public static final int MAX_PARAMS = 100;

    /** Tags per request. */
    public static final int MAX_TAGS = 100;

    /** Metrics, params and tags per request. */
    public static final int MAX_ITEMS = 1000;

    /**
     * JSON bytes per request; batches are cut well below it, at an estimate with room for the
     * envelope.
     */
    public static final int MAX_REQUEST_BYTES = 1_000_000;

    /** Characters of a key. */
    public static final int MAX_KEY_LENGTH = 250;

    /** Characters of a param value. */
    public static final int MAX_PARAM_VALUE_LENGTH = 6000;

    /** Characters of a tag value. */
    public static final int MAX_TAG_VALUE_LENGTH = 8000;

    private static final int BUDGET_BYTES = 900_000;

    private LogBatchLimits() {}

    /**
     * @param key a param, tag or metric name
     * @return the name with every character MLflow refuses replaced by '_', empty or '.' segments
     *     (which the server rejects as non-normalised paths) replaced by '_', cut to 250 characters
     */
    public static String key(String key) {
        String cleaned = key.replaceAll("[^A-Za-z0-9_\\-. /]", "_");
        String[] segments = cleaned.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].isEmpty() || segments[i].equals(".") || segments[i].equals("..")) {
                segments[i] = "_";
            }
        }
        String joined = String.join("/", segments);
        return joined.length() > MAX_KEY_LENGTH ? joined.substring(0, MAX_KEY_LENGTH) : joined;
    }

    /**
     * @param value a param value
     * @return the value, or its start and a note of how many characters were cut, 6000 characters
     *     in all
     */
    public static String paramValue(String value) {
        return cut(value, MAX_PARAM_VALUE_LENGTH);
    }

    /**
     * @param value a tag value
     * @return the value, or its start and a note of how many characters were cut, 8000 characters
     *     in all
     */
    public static String tagValue(String value) {
        return cut(value, MAX_TAG_VALUE_LENGTH);
    }

    private static String cut(String value, int limit) {
        if (value.length() <= limit) {
            return value;
        }
        String note = " …[truncated " + value.length() + " chars]";
        return value.substring(0, limit - note.length()) + note;
    }

    /** One request's worth. @param params params @param tags tags */
    public record ParamTagBatch(List<KeyValue> params, List<KeyValue> tags) {}

    /**
     * @param params params, already within the key and value limits
     * @param tags tags, already within the key and value limits
     * @return batches of at most 100 params and 100 tags and under 1 MB each, in the given order
     */
    public static List<ParamTagBatch> paramTagBatches(List<KeyValue> params, List<KeyValue> tags) {
        List<ParamTagBatch> batches = new ArrayList<>();
        int p = 0;
        int t = 0;
        while (p < params.size() || t < tags.size()) {
            List<KeyValue> batchParams = new ArrayList<>();
            List<KeyValue> batchTags = new ArrayList<>();
            int bytes = 0;
            while (p < params.size()
                    && batchParams.size() < MAX_PARAMS
                    && (batchParams.isEmpty() || bytes + size(params.get(p)) <= BUDGET_BYTES)) {
                bytes += size(params.get(p));
                batchParams.add(params.get(p++));
            }
            while (t < tags.size()
                    && batchTags.size() < MAX_TAGS
                    && (batchTags.isEmpty() && batchParams.isEmpty()
                            || bytes + size(tags.get(t)) <= BUDGET_BYTES)) {
                bytes += size(tags.get(t));
                batchTags.add(tags.get(t++));
            }
            batches.add(new ParamTagBatch(List.copyOf(batchParams), List.copyOf(batchTags)));
        }
        return batches;
    }

    /**
     * Splits metric points into requests without splitting a group (one metrics row: its points
     * must all be sent before its step counts as sent).
     *
     * @param groups metric points grouped by row, in order; each group has at most 1000 points
     * @return the number of groups in each request, in order: each request holds at most 1000
     *     points and under 1 MB
     */
    public static List<Integer> metricBatchSizes(List<List<MetricPoint>> groups) {
        List<Integer> sizes = new ArrayList<>();
        int inBatch = 0;
        int points = 0;
        int bytes = 0;
        for (List<MetricPoint> group : groups) {
            int groupBytes = group.stream().mapToInt(LogBatchLimits::size).sum();
            if (inBatch > 0
                    && (points + group.size() > Math.min(MAX_METRICS, MAX_ITEMS)
                            || bytes + groupBytes > BUDGET_BYTES)) {
                sizes.add(inBatch);
                inBatch = 0;
                points = 0;
                bytes = 0;
            }
            inBatch++;
            points += group.size();
            bytes += groupBytes;
        }
        if (inBatch > 0) {
            sizes.add(inBatch);
        }
        return sizes;
    }

    /**
     * Upper estimate of an item's JSON bytes: its text (escaped worst case) plus field names and
     * punctuation.
     */
    static int size(KeyValue item) {
        return 2
                        * (item.key().getBytes(StandardCharsets.UTF_8).length
                                + item.value().getBytes(StandardCharsets.UTF_8).length)
                + 40;
    }

    static int size(MetricPoint point) {
        return 2 * point.key().length() + 100;
    }
}
