import type { ReactNode } from 'react';

/** A column heading; `numeric` ones are right-aligned like their cells (className "num"). */
export type Column = string | { label: string; numeric: true };

/** A horizontally scrollable table with one header row; rows (and an optional footer) come as children. */
export function DataTable({
  caption,
  columns,
  footer,
  children,
}: {
  /** Read by screen readers only. */
  caption?: string;
  columns: readonly Column[];
  footer?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="table-scroll">
      <table>
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) =>
              typeof column === 'string' ? (
                <th key={column} scope="col">
                  {column}
                </th>
              ) : (
                <th key={column.label} scope="col" className="num">
                  {column.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
        {footer && <tfoot>{footer}</tfoot>}
      </table>
    </div>
  );
}
