/** The ten class probabilities as a bar chart of plain elements (readable by screen readers and tests). */

export class ProbabilityBars {
  private readonly rows: { readonly row: HTMLElement; readonly fill: HTMLElement; readonly value: HTMLElement }[] = [];

  constructor(container: HTMLElement, classes = 10) {
    for (let digit = 0; digit < classes; digit++) {
      const row = document.createElement('div');
      row.className = 'bar-row';
      row.setAttribute('role', 'listitem');
      row.dataset.digit = String(digit);
      const label = document.createElement('span');
      label.textContent = String(digit);
      const track = document.createElement('span');
      track.className = 'bar-track';
      const fill = document.createElement('span');
      fill.className = 'bar-fill';
      fill.style.display = 'block';
      track.append(fill);
      const value = document.createElement('span');
      value.className = 'bar-value';
      row.append(label, track, value);
      container.append(row);
      this.rows.push({ row, fill, value });
    }
    this.show(undefined);
  }

  /** Shows the probabilities, the most probable class highlighted; undefined empties the chart. */
  show(probabilities: ArrayLike<number> | undefined, top?: number): void {
    this.rows.forEach(({ row, fill, value }, digit) => {
      const p = probabilities?.[digit];
      fill.style.width = p === undefined ? '0%' : `${(100 * p).toFixed(1)}%`;
      value.textContent = p === undefined ? '' : `${(100 * p).toFixed(1)}%`;
      row.classList.toggle('top', digit === top);
      row.setAttribute('aria-label', p === undefined ? `${digit}: no reading` : `${digit}: ${(100 * p).toFixed(1)} percent`);
    });
  }
}
