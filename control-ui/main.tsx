// The panel's entry point: renders the app into #app.
import { render } from 'preact';
import { App } from './app';

render(<App />, document.getElementById('app')!);
