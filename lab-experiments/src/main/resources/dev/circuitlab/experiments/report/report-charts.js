/* Shared by the experiments' reports: a grid with, per kind of chart, a title row and then one chart per column. */
function drawChartRows(grid, rows, columns, plugins) {
  const charts = [];
  for (const [title, make] of rows) {
    const rt = document.createElement('div');
    rt.className = 'rowtitle';
    rt.textContent = title;
    grid.appendChild(rt);
    for (const column of columns) {
      const cell = document.createElement('div');
      cell.className = 'cell';
      const canvas = document.createElement('canvas');
      cell.appendChild(canvas);
      grid.appendChild(cell);
      const cfg = make(column);
      if (!cfg) continue;
      cfg.plugins = plugins;
      charts.push(new Chart(canvas, cfg));
    }
  }
  return charts;
}
