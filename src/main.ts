import { mount } from 'svelte'
import { registerSW } from 'virtual:pwa-register'
import App from './ui/App.svelte'
import './ui/app.css'
import { installPalette } from './ui/lib/theme.ts'

installPalette()
// The first render is a task of its own, not part of evaluating this module: the first visit keeps
// every main-thread task short. The service worker is registered once the page has loaded, so its
// precache downloads do not compete with the first render.
await new Promise((resolve) => setTimeout(resolve))
mount(App, { target: document.getElementById('app')! })
if (document.readyState === 'complete') registerSW({ immediate: true })
else addEventListener('load', () => registerSW({ immediate: true }), { once: true })
