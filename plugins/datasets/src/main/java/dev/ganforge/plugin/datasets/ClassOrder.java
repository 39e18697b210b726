package dev.ganforge.plugin.datasets;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Comparator;

/**
 * How the {@code image-folder} dataset orders its class folders (and the files inside each class).
 * The order fixes which label index each class gets, so it must be deterministic.
 */
public enum ClassOrder {
    /**
     * Natural order: names are split into runs of ASCII digits and runs of other characters; digit
     * runs are compared by numeric value, other runs by {@link String#compareTo} (UTF-16 code
     * units, case-sensitive). So {@code s2} comes before {@code s10}. Names equal under this rule
     * (for example {@code s01} and {@code s1}) are ordered by {@link String#compareTo}, so the
     * order is total.
     */
    @JsonProperty("natural")
    NATURAL,
    /**
     * Plain {@link String#compareTo} order (UTF-16 code units, case-sensitive): {@code s10} before
     * {@code s2}.
     */
    @JsonProperty("lexicographic")
    LEXICOGRAPHIC;

    /**
     * @return the comparator for names under this order; a total order
     */
    public Comparator<String> comparator() {
        return this == NATURAL ? ClassOrder::compareNatural : Comparator.naturalOrder();
    }

    /**
     * Compares two names in {@linkplain #NATURAL natural order}.
     *
     * @param a first name
     * @param b second name
     * @return negative, zero or positive, as {@link Comparator#compare}; zero only if the names are
     *     equal
     */
    public static int compareNatural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int endA = runEnd(a, i);
            int endB = runEnd(b, j);
            int result;
            if (isDigit(a.charAt(i)) && isDigit(b.charAt(j))) {
                result = compareNumbers(a.substring(i, endA), b.substring(j, endB));
            } else {
                result = a.substring(i, endA).compareTo(b.substring(j, endB));
            }
            if (result != 0) {
                return result;
            }
            i = endA;
            j = endB;
        }
        int byRuns = Boolean.compare(i < a.length(), j < b.length());
        return byRuns != 0 ? byRuns : a.compareTo(b);
    }

    /** Compares two digit strings by value, without overflow for long runs. */
    private static int compareNumbers(String a, String b) {
        String x = stripLeadingZeros(a);
        String y = stripLeadingZeros(b);
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    }

    private static String stripLeadingZeros(String digits) {
        int k = 0;
        while (k < digits.length() - 1 && digits.charAt(k) == '0') {
            k++;
        }
        return digits.substring(k);
    }

    /**
     * @return the end (exclusive) of the digit or non-digit run starting at {@code start}
     */
    private static int runEnd(String s, int start) {
        boolean digits = isDigit(s.charAt(start));
        int end = start + 1;
        while (end < s.length() && isDigit(s.charAt(end)) == digits) {
            end++;
        }
        return end;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
