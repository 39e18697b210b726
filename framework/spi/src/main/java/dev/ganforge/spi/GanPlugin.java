package dev.ganforge.spi;

/**
 * The one service interface every ganforge plugin implements; plugins are found with {@link
 * java.util.ServiceLoader} from a single {@code META-INF/services/dev.ganforge.spi.GanPlugin} file
 * per jar. Implementations must have a public no-argument constructor, hold no state, and do no I/O
 * when constructed.
 *
 * <p>Each plugin owns an immutable spec record {@code S}. The core binds the YAML section whose
 * {@code type:} equals {@link #name()} onto that record: keys are the record's component names in
 * snake_case, defaults come from {@link SpecField#defaultValue()}, ranges from {@link
 * SpecField#min()}/{@link SpecField#max()}; the record's compact constructor may reject
 * combinations by throwing {@link IllegalArgumentException}.
 *
 * @param <S> the plugin's spec record type
 */
public interface GanPlugin<S extends Record> {

    /**
     * @return which section of the spec this plugin serves
     */
    PluginKind kind();

    /**
     * @return a stable lowercase name that matches the YAML {@code type:} value, e.g. {@code
     *     "cgan"}; unique among plugins of the same kind
     */
    String name();

    /**
     * @return the record class the plugin's YAML section is bound onto
     */
    Class<S> specClass();

    /**
     * @return one line that says what the plugin does, for {@code ganforge plugins}
     */
    default String description() {
        return "";
    }

    /**
     * @return the plugin's version: its jar's {@code Implementation-Version}, or {@code "dev"} when
     *     run from classes outside a jar
     */
    default String version() {
        String version = getClass().getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
