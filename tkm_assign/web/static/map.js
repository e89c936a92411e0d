// The plan's map: province outlines, mentors, participants coloured by mentor, assignment
// lines, unserved participants in red with their reason. Drawn on one canvas so that
// 30,000 participants stay responsive; every text goes in as text, never as markup.
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || typeof L === "undefined") { return; }
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d",
    "#31a354", "#756bb1", "#636363"];
  var LINES_UP_TO = 6000;  // all assignment lines below this many participants, else per province
  var renderer = L.canvas({ padding: 0.3 });
  var map = L.map(box, { preferCanvas: true, renderer: renderer, minZoom: 4, maxZoom: 15 })
    .setView([-2.5, 118], 5);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution || "", maxZoom: 18 }).addTo(map);
  }
  var outline = { color: "#6b7280", weight: 1, fillColor: "#f8fafc", fillOpacity: box.dataset.tiles ? 0.1 : 1 };
  var regencyStyle = { color: "#9ca3af", weight: 0.6, fill: false, dashArray: "2 3" };
  var regencies = null;
  var points = L.layerGroup().addTo(map);
  var mentorOnly = box.dataset.mentor || "";
  var filter = document.getElementById("province-filter");

  function popup(lines) {
    var div = document.createElement("div");
    lines.forEach(function (line, i) {
      var p = document.createElement(i === 0 ? "strong" : "div");
      p.textContent = line;
      div.appendChild(p);
    });
    return div;
  }
  function colour(m) { return PALETTE[m % PALETTE.length]; }

  fetch("/geo/provinces.json").then(function (r) { return r.json(); }).then(function (geo) {
    L.geoJSON(geo, { style: outline, interactive: false, renderer: renderer }).addTo(map).bringToBack();
  });

  fetch(box.dataset.map).then(function (r) { return r.json(); }).then(function (data) {
    var P = data.participants, M = data.mentors;
    function draw(province) {
      points.clearLayers();
      var served = 0, unserved = 0, mentors = 0, bounds = [];
      var lines = P.id.length <= LINES_UP_TO || province || mentorOnly;
      var mentorIndex = mentorOnly ? M.id.indexOf(mentorOnly) : -1;
      for (var i = 0; i < P.id.length; i++) {
        var m = P.m[i];
        if (province && P.province[i] !== province) { continue; }
        if (mentorOnly && m !== mentorIndex) { continue; }
        var at = [P.lat[i], P.lon[i]];
        bounds.push(at);
        if (m < 0) {
          unserved++;
          L.circleMarker(at, { renderer: renderer, radius: 4, color: "#dc2626", fillColor: "#dc2626", fillOpacity: 0.9, weight: 1 })
            .bindPopup(popup([P.id[i] + " · " + box.dataset.labelUnserved, P.reason[i] >= 0 ? (data.reasons[document.documentElement.lang] || data.reasons.en)[P.reason[i]] : ""]))
            .addTo(points);
          continue;
        }
        served++;
        if (lines) {
          L.polyline([at, [M.lat[m], M.lon[m]]], { renderer: renderer, color: colour(m), weight: 1, opacity: 0.45, interactive: false }).addTo(points);
        }
        L.circleMarker(at, { renderer: renderer, radius: 3, color: colour(m), fillColor: colour(m), fillOpacity: 0.85, weight: 1 })
          .bindPopup(popup([P.id[i], box.dataset.labelMentor + " " + M.id[m]]))
          .addTo(points);
      }
      for (var j = 0; j < M.id.length; j++) {
        if (province && M.province[j] !== province) { continue; }
        if (mentorOnly && j !== mentorIndex) { continue; }
        mentors++;
        var home = [M.lat[j], M.lon[j]];
        bounds.push(home);
        var marker = L.circleMarker(home, { renderer: renderer, radius: 6, color: "#111827", fillColor: colour(j), fillOpacity: 1, weight: 2 })
          .bindPopup(popup([box.dataset.labelMentor + " " + M.id[j]]));
        if (box.dataset.plan) {
          marker.on("dblclick", (function (id) { return function () { window.location = "/plans/" + box.dataset.plan + "/mentors/" + encodeURIComponent(id); }; })(M.id[j]));
        }
        marker.addTo(points);
      }
      if (mentorOnly && mentorIndex >= 0) { drawRoutes(data, mentorIndex); }
      // Without animation: a view set while an animated one runs is undone when it ends
      // (a quick change of filter left the map on the previous province), and the
      // drawn counts below then also mean the view is in place.
      if ((province || mentorOnly) && bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12, animate: false }); }
      else if (!province) { map.setView([-2.5, 118], 5, { animate: false }); }
      box.dataset.drawnMentors = mentors;
      box.dataset.drawnServed = served;
      box.dataset.drawnUnserved = unserved;
      box.dataset.ready = "1";
    }
    function drawRoutes(data, m) {
      var index = {};
      data.participants.id.forEach(function (id, i) { index[id] = i; });
      var home = [M.lat[m], M.lon[m]];
      document.querySelectorAll("#routes tr[data-stops]").forEach(function (row) {
        var path = [home];
        row.dataset.stops.split(";").forEach(function (id) {
          var i = index[id];
          if (i !== undefined) { path.push([P.lat[i], P.lon[i]]); }
        });
        path.push(home);
        L.polyline(path, { renderer: renderer, color: "#0f766e", weight: 2, opacity: 0.5, interactive: false }).addTo(points);
      });
    }
    function regencyOutlines(province) {
      if (regencies) { map.removeLayer(regencies); regencies = null; }
      if (!province) { return; }
      fetch("/geo/regencies/" + encodeURIComponent(province) + ".json").then(function (r) { return r.json(); }).then(function (geo) {
        regencies = L.geoJSON(geo, { style: regencyStyle, interactive: false, renderer: renderer }).addTo(map);
      });
    }
    draw("");
    if (mentorOnly) {
      var mi = M.id.indexOf(mentorOnly);
      if (mi >= 0) { regencyOutlines(M.province[mi]); }
    }
    if (filter) {
      filter.addEventListener("change", function () { draw(filter.value); regencyOutlines(filter.value); });
    }
  });
  window.tkmMap = map;
})();
