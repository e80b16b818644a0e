package dev.outbox.order;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The order API's packages are features: none depends on another in a cycle, and no name repeats its parent's. */
class PackageStructureTest {

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.outbox.order");

    @Test
    void theFeaturePackagesHaveNoCycles() {
        slices().matching("dev.outbox.order.(*)..").should().beFreeOfCycles().check(MAIN_CLASSES);
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
