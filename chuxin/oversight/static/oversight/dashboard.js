// The oversight dashboard's charts (Apache ECharts), from the JSON in #dashboard-data.
// Tables are the fallback without JavaScript and the accessible / printable view.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const instances = [];
  const percent = (fmt) => (fmt === "percent" ? "{value}%" : "{value}");

  function option(chart) {
    const base = {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 24, top: 30, bottom: 8, containLabel: true },
      color: ["#b02a37", "#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997"],
    };
    const series = chart.series.map((s) => ({
      name: s.name,
      type: chart.kind === "line" ? "line" : "bar",
      data: s.data,
      connectNulls: true,
    }));
    if (chart.kind === "line") {
      return Object.assign(base, {
        legend: { top: 0 },
        xAxis: { type: "category", data: chart.categories },
        yAxis: { type: "value", axisLabel: { formatter: percent(chart.fmt) } },
        series,
      });
    }
    // Bars: horizontal, names on the vertical axis, the worst (first) at the top.
    return Object.assign(base, {
      xAxis: { type: "value", axisLabel: { formatter: percent(chart.fmt) } },
      yAxis: { type: "category", data: chart.categories, inverse: true,
               axisLabel: { width: 110, overflow: "truncate" } },
      series,
    });
  }

  data.charts.forEach((chart) => {
    const el = document.getElementById(chart.id);
    const table = document.getElementById(chart.id + "-table");
    const toggle = document.querySelector('.chart-toggle[data-chart="' + chart.id + '"]');
    if (!el) return;
    el.classList.remove("d-none");
    if (table) table.classList.add("d-none");
    if (toggle) toggle.classList.remove("d-none");
    const instance = echarts.init(el);
    instance.setOption(option(chart));
    instance.on("click", (params) => {
      const link = chart.links[params.dataIndex];
      if (link) window.location.href = link; // drill down: the sub-unit's dashboard or list
    });
    instances.push(instance);
    if (toggle) {
      toggle.setAttribute("aria-expanded", "false");
      toggle.addEventListener("click", () => {
        const showTable = table.classList.contains("d-none");
        table.classList.toggle("d-none", !showTable);
        el.classList.toggle("d-none", showTable);
        toggle.textContent = showTable ? toggle.dataset.labelChart : toggle.dataset.labelTable;
        toggle.setAttribute("aria-expanded", showTable ? "true" : "false");
        if (!showTable) instance.resize();
      });
    }
  });
  window.addEventListener("resize", () => instances.forEach((i) => i.resize()));
});
