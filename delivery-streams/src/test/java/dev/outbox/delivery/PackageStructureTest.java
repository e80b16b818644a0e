package dev.outbox.delivery;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * The module's packages are features (rules, projection, deadletter, query, feed, command, board) and one platform
 * package under them: none depends on another that depends back on it, and none is named like its parent (the
 * {@code delivery.delivery} this module once had).
 */
class PackageStructureTest {

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.outbox.delivery");

    @Test
    void theFeaturePackagesHaveNoCycles() {
        slices().matching("dev.outbox.delivery.(*)..").should().beFreeOfCycles().check(MAIN_CLASSES);
    }

    @Test
    void noPackageNameRepeatsItsParent() {
        classes().should(notStutter()).check(MAIN_CLASSES);
    }

    private static ArchCondition<JavaClass> notStutter() {
        return new ArchCondition<>("live in a package whose name does not repeat its parent's") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                String[] names = javaClass.getPackageName().split("\\.");
                for (int i = 1; i < names.length; i++) {
                    if (names[i].equals(names[i - 1])) {
                        events.add(SimpleConditionEvent.violated(javaClass, javaClass.getName() + " is in "
                                + javaClass.getPackageName() + ", where '" + names[i] + "' repeats its parent"));
                    }
                }
            }
        };
    }
}
