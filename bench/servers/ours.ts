// This project: the real app (createApp), configured as in production but over plain HTTP.
import { boot } from '../../src/app/boot.ts'
import { SECRET, serve } from './serve.ts'

const booted = boot({ NODE_ENV: 'production', SESSION_SECRET: SECRET, SESSION_COOKIE_SECURE: 'false' })
if (!booted.ok) throw new Error(booted.message)
serve(booted.app)
