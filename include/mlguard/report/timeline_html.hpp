#ifndef MLGUARD_REPORT_TIMELINE_HTML_HPP
#define MLGUARD_REPORT_TIMELINE_HTML_HPP

// A monitor's closed windows as one self-contained HTML page, in the style
// of the drift report (drift_html.hpp): the drift statistic of each feature
// window by window, as small multiples.
//
//   std::vector<drift::window_report> windows;   // collected from on_window
//   const std::string page = report::timeline_html(windows);
//
// The page has a summary (windows, rows, windows that drifted as a whole),
// a table per feature (drifted windows out of those evaluated, the latest
// value), then one chart per feature (<svg class="chart">), features with the
// most drifted windows first. Each chart plots what the verdict compares
// with the threshold: the p-value for the tests (on a log axis from 1 up to
// 1e-10, so a window that drifts, below the threshold, lies above the line),
// the statistic for the distances (drifting at or above the line); the
// threshold is a dashed line, drifted windows are red dots, skipped windows
// leave a gap.
// Every feature name is escaped (html.hpp). Rendering is linear in the
// windows times the features.

#include <string>
#include <vector>

#include "mlguard/drift/window_report.hpp"

namespace mlguard::report {

/// Settings of timeline_html.
struct timeline_html_options {
  /// The page's title and heading (escaped); empty = "Monitor timeline".
  std::string title;
};

/// The HTML page of `windows`, in the order given (a monitor closes them in
/// order of index). When their numbers increase, the x axis is the window
/// number; when they restart (windows of several model versions, as a
/// guarded model numbers its own from 0), the windows are drawn one after
/// the other in the order given, and the summary says so. Features are
/// matched by name across windows; a feature missing from a window leaves a
/// gap in its chart. No windows gives a page
/// that says so, without charts. Throws only std::bad_alloc.
template <class = void> // deferred: see core/json.hpp
std::string timeline_html(const std::vector<drift::window_report>& windows,
                          const timeline_html_options& options = {});

} // namespace mlguard::report

#include "mlguard/report/detail/timeline_html_impl.hpp"

#endif // MLGUARD_REPORT_TIMELINE_HTML_HPP
