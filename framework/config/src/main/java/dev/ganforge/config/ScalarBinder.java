package dev.ganforge.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ganforge.spi.SpecField;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Binds one YAML scalar onto a component of type int, long, double, boolean (or their boxes),
 * String, {@link Path} or an enum, checking {@link SpecField#min()}/{@link SpecField#max()}.
 *
 * <p>Whole numbers never bind to a fraction-free type from a fraction ({@code 1.5} or {@code 2.0}
 * for an int is an error). A quoted number ({@code "64"}) is accepted for a number, as Jackson
 * does. Strings take any scalar as written ({@code experiment: 2024} is the name {@code "2024"}).
 * Paths are kept as written; a relative path is resolved later against the working directory. NaN
 * is never a valid number.
 */
public final class ScalarBinder {

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern DECIMAL =
            Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private ScalarBinder() {}

    /**
     * @return whether {@link #bind} supports the type
     */
    public static boolean supports(Class<?> type) {
        return type == int.class
                || type == Integer.class
                || type == long.class
                || type == Long.class
                || type == double.class
                || type == Double.class
                || type == boolean.class
                || type == Boolean.class
                || type == String.class
                || type == Path.class
                || type.isEnum();
    }

    /**
     * @param type a type {@link #supports} accepts
     * @param node the value; not null
     * @param path its dotted path
     * @param field the component's annotation, for the range; may be null
     * @return the value, or {@link RecordBinder#FAILED} after recording a problem
     */
    public static Object bind(
            Class<?> type, JsonNode node, String path, SpecField field, Problems problems) {
        if (!node.isValueNode() || node.isNull()) {
            String found = node.isObject() ? "a map" : node.isArray() ? "a list" : "nothing (null)";
            problems.add(path, node, "expected " + describe(type) + ", found " + found);
            return RecordBinder.FAILED;
        }
        String text =
                problems.originalText(path) != null ? problems.originalText(path) : node.asText();
        if (type == String.class) {
            return text;
        }
        if (type == boolean.class || type == Boolean.class) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            return fail(type, node, path, problems);
        }
        if (type == Path.class) {
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                problems.add(path, node, "not a valid path: " + e.getReason());
                return RecordBinder.FAILED;
            }
        }
        if (type.isEnum()) {
            return enumConstant(type, node, text, path, problems);
        }
        return number(type, node, text, path, field, problems);
    }

    /**
     * @return the expected value in words, e.g. {@code an integer} or {@code one of: a, b}
     */
    public static String describe(Class<?> type) {
        if (type == int.class
                || type == Integer.class
                || type == long.class
                || type == Long.class) {
            return "an integer";
        } else if (type == double.class || type == Double.class) {
            return "a number";
        } else if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        } else if (type == Path.class) {
            return "a path";
        } else if (type.isEnum()) {
            return "one of: "
                    + Arrays.stream(type.getEnumConstants())
                            .map(c -> SpecNames.enumText((Enum<?>) c))
                            .collect(Collectors.joining(", "));
        }
        return "a string";
    }

    private static Object enumConstant(
            Class<?> type, JsonNode node, String text, String path, Problems problems) {
        String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(wanted)) {
                return constant;
            }
        }
        return fail(type, node, path, problems);
    }

    private static Object number(
            Class<?> type,
            JsonNode node,
            String text,
            String path,
            SpecField field,
            Problems problems) {
        boolean whole = type != double.class && type != Double.class;
        Number value;
        if (whole) {
            BigInteger big =
                    node.isIntegralNumber()
                            ? node.bigIntegerValue()
                            : node.isTextual() && INTEGER.matcher(text.trim()).matches()
                                    ? new BigInteger(text.trim())
                                    : null;
            if (big == null) {
                return fail(type, node, path, problems);
            }
            boolean isInt = type == int.class || type == Integer.class;
            long low = isInt ? Integer.MIN_VALUE : Long.MIN_VALUE;
            long high = isInt ? Integer.MAX_VALUE : Long.MAX_VALUE;
            if (big.compareTo(BigInteger.valueOf(low)) < 0
                    || big.compareTo(BigInteger.valueOf(high)) > 0) {
                problems.add(
                        path,
                        node,
                        "out of range for " + (isInt ? "a 32-bit" : "a 64-bit") + " integer");
                return RecordBinder.FAILED;
            }
            value = isInt ? (Number) big.intValue() : (Number) big.longValue();
        } else if (node.isNumber() && !Double.isNaN(node.doubleValue())) {
            value = node.doubleValue(); // NaN would pass every range check, so it is refused
        } else if (node.isTextual() && DECIMAL.matcher(text.trim()).matches()) {
            value = Double.parseDouble(text.trim());
        } else {
            return fail(type, node, path, problems);
        }
        return inRange(value, node, path, field, problems) ? value : RecordBinder.FAILED;
    }

    /** Checks a number against the component's range, recording a problem if outside. */
    public static boolean inRange(
            Number value, JsonNode node, String path, SpecField field, Problems problems) {
        if (field == null) {
            return true;
        }
        double number = value.doubleValue();
        if (number < field.min()) {
            problems.add(path, node, "must be >= " + SpecNames.number(field.min()));
            return false;
        }
        if (number > field.max()) {
            problems.add(path, node, "must be <= " + SpecNames.number(field.max()));
            return false;
        }
        return true;
    }

    private static Object fail(Class<?> type, JsonNode node, String path, Problems problems) {
        problems.add(path, node, "expected " + describe(type));
        return RecordBinder.FAILED;
    }
}
