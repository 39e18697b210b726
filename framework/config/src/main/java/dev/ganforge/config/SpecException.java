package dev.ganforge.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An experiment spec is invalid. A user error: holds every problem found in the spec, never just
 * the first, and its message lists them all, one per line.
 */
public final class SpecException extends RuntimeException {

    private final List<SpecProblem> problems;

    /**
     * @param problems the problems found, in the order found; at least one; copied
     * @throws IllegalArgumentException if the list is empty
     */
    public SpecException(List<SpecProblem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * @return every problem, in the order found; never empty
     */
    public List<SpecProblem> problems() {
        return problems;
    }

    private static String message(List<SpecProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a SpecException needs at least one problem");
        }
        String header =
                problems.size() == 1
                        ? "1 problem in the experiment spec:"
                        : problems.size() + " problems in the experiment spec:";
        return problems.stream()
                .map(SpecProblem::toString)
                .collect(Collectors.joining("\n  ", header + "\n  ", ""));
    }
}
