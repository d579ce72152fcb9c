import { mount } from 'svelte'
import { registerSW } from 'virtual:pwa-register'
import App from './ui/App.svelte'
import './ui/app.css'
import { installPalette } from './ui/lib/theme.ts'

installPalette()
registerSW({ immediate: true })
mount(App, { target: document.getElementById('app')! })
