import { Box, Center, Loader } from '@mantine/core';
import type { EChartsCoreOption } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';

/**
 * An ECharts chart, its library loaded only when a chart is first shown. `label` names the chart
 * for screen readers; the figures it draws are also in a table on the same page.
 */
export function Chart({
  option,
  height = 280,
  label,
}: {
  option: EChartsCoreOption;
  height?: number;
  label: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    let disposed = false;
    let chart:
      { setOption(o: EChartsCoreOption): void; resize(): void; dispose(): void } | undefined;
    const resize = () => chart?.resize();
    void import('./echarts').then(({ echarts }) => {
      if (disposed || !element.current) return;
      chart = echarts.init(element.current, undefined, { renderer: 'svg' });
      chart.setOption({ animation: false, ...option });
      setLoaded(true);
      window.addEventListener('resize', resize);
    });
    return () => {
      disposed = true;
      window.removeEventListener('resize', resize);
      chart?.dispose();
    };
  }, [option]);
  return (
    <Box pos="relative" h={height}>
      {/* The name is ours; ECharts draws inside a child it may label itself. */}
      <div role="img" aria-label={label}>
        <div ref={element} aria-hidden="true" style={{ width: '100%', height }} />
      </div>
      {!loaded && (
        <Center pos="absolute" inset={0}>
          <Loader size="sm" aria-label="Loading chart" />
        </Center>
      )}
    </Box>
  );
}
