// 统计看板: per-level dashboards with drill-down to the records behind each number.
export {};
