package io.dlpipe.report;

/**
 * The page's inline stylesheet and script. System fonts only (a web font would need the network);
 * tabular figures so that numbers line up in tables.
 */
final class Style {
  private Style() {}

  static final String CSS =
      """
      :root{--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f4f6f9;--card:#fff;--accent:#2563eb;--good:#166534;--goodbg:#dcfce7;\
      --warn:#92400e;--warnbg:#fef3c7}
      *{box-sizing:border-box}
      body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",\
      "Noto Sans","Liberation Sans",Arial,sans-serif;-webkit-font-smoothing:antialiased}
      .wrap{max-width:1160px;margin:0 auto;padding:0 28px}
      header{background:linear-gradient(135deg,#0f172a,#1e3a8a);color:#fff;padding:26px 0 22px}
      header .brand{font-size:12px;letter-spacing:.12em;text-transform:uppercase;color:#93c5fd;font-weight:600}
      header h1{margin:4px 0 10px;font-size:28px;font-weight:650;letter-spacing:-.01em}
      header .meta{display:flex;flex-wrap:wrap;gap:6px 22px;font-size:13.5px;color:#cbd5e1}
      header .meta b{color:#fff;font-weight:600}
      nav.toc{display:flex;flex-wrap:wrap;gap:4px 18px;padding-top:14px;padding-bottom:2px;font-size:13.5px}
      nav.toc a{color:#1d4ed8;text-decoration:none}nav.toc a:hover{text-decoration:underline}
      section{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:22px 26px;margin:16px 0;\
      box-shadow:0 1px 2px rgba(15,23,42,.04)}
      h2{font-size:20px;margin:0 0 2px;letter-spacing:-.01em}
      h3{font-size:15px;margin:22px 0 8px}
      .lead{color:var(--muted);margin:0 0 16px;font-size:14px}
      .note{color:var(--muted);font-size:13.5px;margin:12px 0 0}
      .missing{color:#475569;background:#f1f5f9;border:1px dashed #cbd5e1;padding:12px 16px;border-radius:8px;margin:0}
      .grid2{display:grid;grid-template-columns:1fr 1fr;gap:28px;align-items:start}
      .kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:14px;margin-bottom:16px}
      .kpi{border:1px solid var(--line);border-radius:10px;padding:12px 16px;background:#fbfcfe}
      .kpi .l{font-size:11.5px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);font-weight:600}
      .kpi .v{font-size:27px;font-weight:650;margin:2px 0;font-variant-numeric:tabular-nums;letter-spacing:-.01em}
      .kpi .v .of{font-size:15px;color:var(--muted);font-weight:500}
      .kpi .s{font-size:13px;color:var(--muted);font-variant-numeric:tabular-nums}
      .verdict{margin:0;padding:12px 16px;border-radius:8px;border-left:4px solid #94a3b8;background:#f1f5f9}
      .verdict.good{border-color:#16a34a;background:var(--goodbg);color:#14532d}
      .verdict.warn{border-color:#d97706;background:var(--warnbg);color:#78350f}
      table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;font-size:14px}
      th,td{padding:7px 12px;border-bottom:1px solid var(--line);text-align:right}
      th:first-child,td:first-child{text-align:left}
      thead th{font-size:11.5px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);font-weight:600;border-bottom:2px solid var(--line)}
      td.better{background:var(--goodbg);color:var(--good);font-weight:650}
      tr.main td:first-child{font-weight:650}
      .tag{display:inline-block;font-size:10.5px;font-weight:600;text-transform:uppercase;letter-spacing:.05em;padding:0 6px;border-radius:4px;\
      background:#dbeafe;color:#1e40af;vertical-align:1px}
      .dir{color:var(--muted);font-size:12px}
      .reconcile{font-size:13.5px;padding:8px 12px;border-radius:8px;margin:12px 0 0;font-variant-numeric:tabular-nums}
      .reconcile.ok{background:var(--goodbg);color:var(--good)}.reconcile.bad{background:#fee2e2;color:#991b1b}
      .stages td.barcell{width:45%}.stages td.barcell span{display:block;height:8px;border-radius:4px;background:#94a3b8;min-width:2px}
      .stages tr.total td{font-weight:600;border-bottom:0}
      figure{margin:0;min-width:0}
      figcaption{font-weight:650;font-size:15px}
      figcaption small{display:block;font-weight:400;color:var(--muted);font-size:13px;margin-top:1px}
      .legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12.5px;color:#374151;margin:8px 0 4px}
      .key{display:inline-flex;align-items:center;gap:6px}
      .sw{display:inline-block;width:18px;height:0;border-top:3px solid var(--c)}
      .sw.dash{border-top:2px dashed var(--c)}
      .sw.dot{width:10px;height:10px;border:0;border-radius:50%;background:var(--c);opacity:.8}
      .sw.box{width:12px;height:12px;border:0;border-radius:2px;background:var(--c)}
      .sw.whisker{width:16px;height:8px;border:1.5px solid var(--c);border-top:0;border-bottom:0;position:relative}
      .sw.ramp{width:60px;height:10px;border:0;border-radius:2px;background:linear-gradient(90deg,#f8fafc,#1d4ed8)}
      .sw.ramp.good{background:linear-gradient(90deg,#f8fafc,#15803d)}
      svg{display:block;width:100%;height:auto;max-width:100%;overflow:visible}
      svg text{font-size:12px;fill:#4b5563;font-variant-numeric:tabular-nums}
      svg .title{font-size:12.5px;fill:#111827;font-weight:600}
      svg .note{font-size:11.5px;font-weight:600}
      svg .cat{fill:#1f2937}
      svg .count{font-size:17px;font-weight:650}
      svg .share{font-size:11.5px}
      svg.matrix{width:auto;max-width:100%}
      svg .grid{stroke:#eef0f4;stroke-width:1}
      svg .base{stroke:#9ca3af;stroke-width:1}
      details{margin-top:14px}
      summary{cursor:pointer;color:#1d4ed8;font-size:14px}
      dl.prov{display:grid;grid-template-columns:minmax(180px,max-content) 1fr;gap:3px 20px;margin:0;font-size:13.5px}
      dl.prov dt{color:var(--muted);font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
      dl.prov dd{margin:0;word-break:break-word;font-variant-numeric:tabular-nums}
      footer{color:var(--muted);font-size:12px;text-align:center;padding:8px 0 28px}
      @media (max-width:860px){.grid2{grid-template-columns:1fr}.kpis{grid-template-columns:1fr 1fr}}
      @media print{body{background:#fff}section{break-inside:avoid;box-shadow:none}header{background:#1e3a8a}}
      """;

  /**
   * After layout, counts each chart's marks that really take space on screen (a line counts its
   * vertices) and sets {@code data-rendered-marks}, and {@code data-drawn="true"} when that equals
   * the {@code data-marks} the writer drew. The page reads the same without it.
   */
  static final String SCRIPT =
      """
      (function () {
        var charts = document.querySelectorAll('[data-chart]');
        for (var i = 0; i < charts.length; i++) {
          var c = charts[i], n = 0, marks = c.querySelectorAll('.mark');
          for (var j = 0; j < marks.length; j++) {
            var r = marks[j].getBoundingClientRect();
            if (r.width > 0 || r.height > 0) { n += marks[j].points ? marks[j].points.numberOfItems : 1; }
          }
          c.setAttribute('data-rendered-marks', String(n));
          c.setAttribute('data-drawn', n > 0 && String(n) === c.getAttribute('data-marks') ? 'true' : 'false');
        }
      })();
      """;
}
