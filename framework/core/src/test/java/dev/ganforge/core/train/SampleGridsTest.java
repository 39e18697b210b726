package dev.ganforge.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fake2 grid's latent layout: one z per row, shared by the row's K cells. */
class SampleGridsTest {

    @Test
    void everyCellOfARowGetsThatRowsLatentVectorAndRowsDiffer() {
        INDArray perRow = Nd4j.create(new double[][] {{1, 2, 3}, {4, 5, 6}});

        INDArray cells = SampleGrids.repeatAlongRows(perRow, 4);

        assertThat(cells.shape()).containsExactly(8, 3);
        for (int cell = 0; cell < 8; cell++) {
            // cells 0-3 are row 0 (columns = classes 0-3), cells 4-7 row 1
            assertThat(cells.getRow(cell)).isEqualTo(perRow.getRow(cell / 4));
        }
        assertThat(cells.getRow(3)).isNotEqualTo(cells.getRow(4));
    }
}
