import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart as EBarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([EBarChart, GridComponent, TooltipComponent, CanvasRenderer]);

/**
 * A horizontal bar chart of percentages (progress per campaign or unit), or of plain values with `unit` (scores,
 * counts), where negative values draw to the left.
 */
export function PercentBarChart({ items, height = 320, unit }: { items: { name: string; value: number; danger?: boolean }[]; height?: number; unit?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    const data = [...items].reverse();
    chart.setOption({
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => (unit === undefined ? `${v}%` : `${v}${unit}`) },
      xAxis: unit === undefined ? { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } } : { type: 'value', axisLabel: { formatter: `{value}${unit}` } },
      yAxis: {
        type: 'category',
        data: data.map((d) => d.name),
        axisLabel: { width: 160, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 22,
          data: data.map((d) => ({ value: d.value, itemStyle: { color: d.danger ? '#cf1322' : '#c8161d' } })),
          label: { show: true, position: 'right', formatter: unit === undefined ? '{c}%' : `{c}${unit}` },
        },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [items]);
  return <div ref={ref} style={{ width: '100%', height }} role="img" />;
}
