/// Pictures of Jacobians, arms and solver trajectories, written as SVG text by the service itself.
///
/// Every function takes plain data (`[[Double]]`, `[Double]`, `[String]`) so that this module knows nothing of the
/// engine or the solvers, and returns a complete, standalone SVG document that:
/// - is well-formed XML (no XML declaration, so it can also be pasted inline into HTML);
/// - has a `<title>` (its accessible name) and a visible title, and axis labels;
/// - holds no `<script>`, no `<style>` (a style sheet in inline SVG would leak into the host page), no `href`,
///   no `url(...)` reference, no event attribute, no external font or image: it is safe to embed in a page;
/// - never contains a non-finite number: NaN or infinite inputs are drawn grey or skipped, never crash.
///
/// User text (titles, labels built from user expressions) is XML-escaped and stripped of the control characters
/// XML 1.0 forbids. The pictures are described in docs/PICTURES.md.
public enum SVGPlot {}
