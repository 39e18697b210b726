package dev.ganforge.distribution.archfixture.first;

import dev.ganforge.distribution.archfixture.second.Second;

/** Half of a deliberate package cycle that {@code ArchitectureTest} must detect. */
public final class First {
    /**
     * @return the other half
     */
    public Second other() {
        return new Second();
    }
}
