// A unified diff (ChangePlan.diff) with added and removed lines coloured; other text as it is.
// Each line's newline stays outside its span: a coloured line is an inline-block (its background
// spans the width), and in a <pre> two inline-blocks with no line break between them share one line.
import { Fragment } from 'preact';

const lineClass = (line: string) => (line.startsWith('+++') || line.startsWith('---') ? 'diff-file' : line.startsWith('+') ? 'diff-add' : line.startsWith('-') ? 'diff-del' : line.startsWith('@@') ? 'diff-hunk' : '');

export function DiffView(props: { diff: string }) {
  const lines = props.diff.split('\n');
  return (
    <pre class="diff" tabIndex={0}>
      {lines.map((line, i) => (
        <Fragment key={i}>
          <span class={lineClass(line)}>{line}</span>
          {'\n'}
        </Fragment>
      ))}
    </pre>
  );
}
