// 通报 and 工作总结: bulletins drafted from live data and issued in GB/T 9704 layout; period summaries written from the numbers.
export {};
