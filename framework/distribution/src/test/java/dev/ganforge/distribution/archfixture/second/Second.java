package dev.ganforge.distribution.archfixture.second;

import dev.ganforge.distribution.archfixture.first.First;

/** The other half of a deliberate package cycle that {@code ArchitectureTest} must detect. */
public final class Second {
    /**
     * @return the first half
     */
    public First other() {
        return new First();
    }
}
