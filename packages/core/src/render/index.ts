// Filled by the plan work: render(sections) -> canonical master text.
export function render(
  _sections: readonly {
    id: number;
    order: number;
    heading: string;
    description: string;
    status: string;
  }[],
): string {
  throw new Error('render: not implemented yet');
}
