// Draws every [data-figure] element with plotly.js from the figure JSON the server embedded beside it.
(function () {
  "use strict";
  if (!window.Plotly) return;
  const lang = document.documentElement.lang || "en";

  if (lang === "id") {
    // plotly.js ships no Indonesian locale; month names and number separators are what the charts show.
    window.Plotly.register({
      moduleType: "locale",
      name: "id",
      dictionary: {
        "Autoscale": "Skala otomatis",
        "Download plot as a png": "Unduh grafik sebagai PNG",
        "Download plot": "Unduh grafik",
        "Pan": "Geser",
        "Reset axes": "Atur ulang sumbu",
        "Reset view": "Atur ulang tampilan",
        "Zoom": "Perbesar area",
        "Zoom in": "Perbesar",
        "Zoom out": "Perkecil",
        "Show closest data on hover": "Tampilkan data terdekat saat kursor di atasnya",
        "Compare data on hover": "Bandingkan data saat kursor di atasnya",
        "Toggle Spike Lines": "Tampilkan/sembunyikan garis bantu",
      },
      format: {
        days: ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
        shortDays: ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
        months: ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"],
        shortMonths: ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
        date: "%d/%m/%Y",
        decimal: ",",
        thousands: ".",
      },
    });
  }

  // Map outlines: plotly looks for PlotlyGeoAssets.topojson[name] (name like "world_110m") before fetching
  // topojsonURL + name + ".json". We load them from their hashed static URLs (base.html) so they are cached for good.
  const GEO_TRACES = ["choropleth", "scattergeo"];
  let geoAssets = null;
  function loadGeoAssets() {
    if (geoAssets) return geoAssets;
    const source = document.getElementById("geo-assets");
    const urls = source ? JSON.parse(source.textContent) : {};
    const assets = (window.PlotlyGeoAssets = window.PlotlyGeoAssets || {});
    assets.topojson = assets.topojson || {};
    geoAssets = Promise.all(
      Object.keys(urls).map(function (name) {
        return fetch(urls[name], { credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) throw new Error("map outlines " + urls[name] + ": HTTP " + response.status);
            return response.json();
          })
          .then(function (topojson) {
            assets.topojson[name] = topojson;
          });
      }),
    );
    return geoAssets;
  }

  document.querySelectorAll("[data-figure]").forEach(function (element) {
    const source = document.getElementById(element.dataset.figure);
    if (!source) return;
    const figure = JSON.parse(source.textContent);
    const isMap = (figure.data || []).some(function (trace) {
      return GEO_TRACES.indexOf(trace.type) !== -1;
    });
    const config = {
      responsive: true,
      displaylogo: false,
      locale: lang,
      // Outlines not preloaded above still come from our static files, never from plotly's CDN.
      topojsonURL: element.dataset.topojsonUrl,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines"],
    };
    function draw() {
      return window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
        if (element.hasAttribute("data-clickable")) {
          // A marker's customdata is its meeting's URL.
          element.on("plotly_click", function (event) {
            const url = event.points.length && event.points[0].customdata;
            if (typeof url === "string" && url.startsWith("/")) window.location.assign(url);
          });
          element.style.cursor = "pointer";
        }
        element.classList.add("is-drawn");
      });
    }
    if (isMap) {
      // Should the outlines fail to load, plotly still tries topojsonURL.
      loadGeoAssets().catch(function (error) {
        console.error(error);
      }).then(draw);
    } else {
      draw();
    }
  });
})();
