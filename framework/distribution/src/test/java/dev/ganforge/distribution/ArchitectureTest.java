package dev.ganforge.distribution;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of {@code docs/architecture.md}, checked on the compiled main classes of every
 * module (this module's test class path holds them all): no package cycles; the SPI depends on
 * nothing of ganforge; plugins depend on the SPI only; only the tracking module imports {@code
 * org.mlflow}; only the oneDNN engine imports {@code org.bytedeco.dnnl}; Guice stays in the core's
 * assembly and the CLI; the core knows neither the CLI, the trackers nor the engines beyond its own
 * DL4J step.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        // the modules arrive as target/classes folders or as jars, depending on the Maven phase
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.ganforge", "org.nd4j.nativeblas");
    }

    @Test
    void everyModuleIsImported() {
        for (String module :
                new String[] {
                    "dev.ganforge.spi",
                    "dev.ganforge.config",
                    "dev.ganforge.core.train",
                    "dev.ganforge.engine.onednn",
                    "dev.ganforge.tracking.mlflow",
                    "dev.ganforge.export.onnx",
                    "dev.ganforge.sweep.spark",
                    "dev.ganforge.sweep.spark.driver",
                    "dev.ganforge.cli",
                    "dev.ganforge.plugin.datasets",
                    "dev.ganforge.plugin.basics",
                    "dev.ganforge.plugin.metrics",
                    "dev.ganforge.plugin.gan",
                    "dev.ganforge.plugin.cgan"
                }) {
            Assertions.assertThat(classes.containPackage(module)).as(module).isTrue();
        }
    }

    @Test
    void noPackageCycles() {
        noCycles().check(classes);
    }

    /** The cycle rule is not vacuous: it fails on two test packages that import each other. */
    @Test
    void theCycleRuleCatchesACycle() {
        JavaClasses fixture =
                new ClassFileImporter().importPackages("dev.ganforge.distribution.archfixture");
        assertThatThrownBy(() -> noCycles().check(fixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("archfixture.first")
                .hasMessageContaining("archfixture.second");
    }

    private static ArchRule noCycles() {
        return slices().matching("dev.ganforge.(**)").should().beFreeOfCycles();
    }

    @Test
    void theSpiDependsOnNothingOfGanforge() {
        noClasses()
                .that()
                .resideInAPackage("dev.ganforge.spi..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.ganforge.config..",
                        "dev.ganforge.core..",
                        "dev.ganforge.engine..",
                        "dev.ganforge.tracking..",
                        "dev.ganforge.cli..",
                        "dev.ganforge.plugin..",
                        "dev.ganforge.testing..",
                        "com.google.inject..",
                        "com.fasterxml.jackson.databind..",
                        "org.mlflow..")
                .check(classes);
    }

    @Test
    void pluginsDependOnTheSpiOnly() {
        noClasses()
                .that()
                .resideInAPackage("dev.ganforge.plugin..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.ganforge.config..",
                        "dev.ganforge.core..",
                        "dev.ganforge.engine..",
                        "dev.ganforge.tracking..",
                        "dev.ganforge.cli..",
                        "com.google.inject..")
                .check(classes);
    }

    @Test
    void onlyTheTrackingModuleImportsMlflow() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.ganforge.tracking.mlflow..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.mlflow..")
                .check(classes);
    }

    @Test
    void onlyTheEngineModuleImportsOneDnn() {
        // org.nd4j.nativeblas.Nd4jCpu is the engine module's shim for DL4J's oneDNN helpers (CPU
        // backend only)
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.ganforge.engine.onednn..", "org.nd4j.nativeblas")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.bytedeco.dnnl..", "org.nd4j.linalg.cpu..")
                .check(classes);
    }

    @Test
    void guiceStaysInTheCoreAssemblyAndTheCli() {
        noClasses()
                .that()
                .resideOutsideOfPackages(
                        "dev.ganforge.core.assembly..",
                        "dev.ganforge.core.plugin..",
                        "dev.ganforge.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.google.inject..")
                .check(classes);
    }

    @Test
    void theCoreKnowsNoCliTrackerOrEngine() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.ganforge.core..", "dev.ganforge.config..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.ganforge.cli..",
                        "dev.ganforge.tracking..",
                        "dev.ganforge.engine..",
                        "dev.ganforge.export..",
                        "dev.ganforge.plugin..")
                .check(classes);
    }

    @Test
    void sparkAndGanforgeNeverShareAJvm() {
        // the Spark driver package runs under spark-submit: Spark and the JDK only
        noClasses()
                .that()
                .resideInAPackage("dev.ganforge.sweep.spark.driver..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.ganforge.spi..",
                        "dev.ganforge.config..",
                        "dev.ganforge.core..",
                        "dev.ganforge.cli..",
                        "dev.ganforge.tracking..",
                        "dev.ganforge.engine..",
                        "dev.ganforge.export..",
                        "org.deeplearning4j..",
                        "org.nd4j..")
                .check(classes);
        // and ganforge's side starts spark-submit without loading a Spark class
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.ganforge.sweep.spark.driver..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.spark..", "scala..")
                .check(classes);
        // Spark is a provided dependency: the distribution's class path (this test's, which is
        // lib/ plus test libraries) holds the sweep-spark module but no Spark or Scala jar
        List<String> classPath =
                List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator));
        Assertions.assertThat(classPath).anyMatch(entry -> entry.contains("sweep-spark"));
        Assertions.assertThat(classPath)
                .noneMatch(
                        entry -> entry.contains("spark-core_") || entry.contains("scala-library"));
    }

    @Test
    void onlyTheExportModuleWritesProtocolBuffersAndOnlyTheCliCallsIt() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.ganforge.export.onnx..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.google.protobuf..")
                .check(classes);
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.ganforge.export.onnx..", "dev.ganforge.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.ganforge.export..")
                .check(classes);
    }

    @Test
    void theConfigBinderKnowsNoCore() {
        noClasses()
                .that()
                .resideInAPackage("dev.ganforge.config..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.ganforge.core..")
                .check(classes);
    }
}
