import { render } from 'preact';
import { App } from './App.js';
import { setToken } from './lib/api.js';
import { store } from './state.js';
import './styles.css';

setToken(store.get().session?.token ?? null);
const root = document.getElementById('root');
if (root) render(<App />, root);
