/** Counted nouns for messages: `1 layer`, `3 layers`, `0 connections`. */
export const countOf = (n: number, noun: string): string => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
