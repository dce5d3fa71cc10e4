import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { applyLang } from './lib/lang.svelte';

// The remembered language (localStorage "boxoffice.lang") sets <html lang/dir> before the first paint.
applyLang();

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

export default mount(App, { target });
