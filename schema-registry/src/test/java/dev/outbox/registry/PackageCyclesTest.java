package dev.outbox.registry;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The registry's packages depend on each other one way only: the shared request and value types live in
 * {@code schema} (a schema with its references, a version id) and the compatibility level with the {@code config}
 * that stores it, so {@code subject}, {@code compatibility} and {@code config} do not import each other in a circle.
 */
class PackageCyclesTest {

    @Test
    void thePackagesHaveNoCycles() {
        JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.outbox.registry");
        slices().matching("dev.outbox.registry.(*)..").should().beFreeOfCycles().check(main);
    }
}
