import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { dir, locale } from './lib/i18n';

document.documentElement.lang = locale();
document.documentElement.dir = dir();

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

export default mount(App, { target });
