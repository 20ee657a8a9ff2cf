// The dashboard's charts, drawn by the vendored ECharts from the figures embedded with json_script.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("rp-data").textContent);
  var charts = [];
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false, tooltip: { trigger: "axis" } }, option));
    el.setAttribute("data-rendered", "1");
    charts.push(chart);
  }
  draw("chart-trend", {
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 36, bottom: 30 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value" },
    series: data.persons.map(function (s) { return { name: s.name, type: "line", data: s.data, showSymbol: false }; })
  });
  draw("chart-money", {
    grid: { left: 60, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value" },
    series: [{ name: data.money_label, type: "bar", data: data.money, itemStyle: { color: "#2563eb" } }]
  });
  draw("chart-children", {
    legend: { top: 0 },
    grid: { left: 50, right: 50, top: 36, bottom: 60 },
    xAxis: { type: "category", data: data.children.names, axisLabel: { rotate: data.children.names.length > 8 ? 30 : 0 } },
    yAxis: [{ type: "value", name: data.children.persons_label }, { type: "value", name: data.children.money_label }],
    series: [
      { name: data.children.persons_label, type: "bar", data: data.children.persons, itemStyle: { color: "#16a34a" } },
      { name: data.children.money_label, type: "line", yAxisIndex: 1, data: data.children.money, itemStyle: { color: "#d97706" } }
    ]
  });
  draw("chart-shares", {
    tooltip: { trigger: "item" },
    legend: { bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.shares, label: { formatter: "{b}\n{d}%" } }]
  });
  // The oversight panels' stacked bars (reports/oversight.py): a segment opens the list behind it.
  Array.prototype.forEach.call(document.querySelectorAll(".rp-chart[data-bars]"), function (el) {
    var source = document.getElementById(el.getAttribute("data-bars"));
    if (!source) { return; }
    var bars = JSON.parse(source.textContent);
    draw(el.id, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: bars.categories.length > 6 ? 70 : 30 },
      xAxis: { type: "category", data: bars.categories, axisLabel: { interval: 0, rotate: bars.categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: bars.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "all", data: s.data, itemStyle: { color: s.colour }, cursor: "pointer" };
      })
    });
    var chart = charts[charts.length - 1];
    if (chart && chart.getDom() === el) {
      chart.on("click", function (p) {
        var url = bars.series[p.seriesIndex] && bars.series[p.seriesIndex].urls[p.dataIndex];
        if (url) { window.location.href = url; }
      });
    }
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
