package dev.ganforge.config;

import dev.ganforge.spi.PluginKind;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link PluginSection} component of a core spec record with the kind of plugin its {@code
 * type:} key selects, so the binder knows which registry names apply. Every {@code PluginSection}
 * component must carry it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface SelectsPlugin {

    /**
     * @return the kind of plugin the section's {@code type:} names
     */
    public PluginKind value();
}
