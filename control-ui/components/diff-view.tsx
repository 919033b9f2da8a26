// A unified diff (ChangePlan.diff) with added and removed lines coloured; other text as it is.
export function DiffView(props: { diff: string }) {
  const lines = props.diff.split('\n');
  return (
    <pre class="diff" tabIndex={0}>
      {lines.map((line, i) => (
        <span key={i} class={line.startsWith('+++') || line.startsWith('---') ? 'diff-file' : line.startsWith('+') ? 'diff-add' : line.startsWith('-') ? 'diff-del' : line.startsWith('@@') ? 'diff-hunk' : ''}>
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}
