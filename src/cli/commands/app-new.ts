import type { Command } from 'commander'
import { createApp } from '../scaffold.js'

/** `stairs-admin app:new NAME` */
export function registerAppNew(program: Command): void {
  program
    .command('app:new')
    .description('add an app (app, flows, pipelines, producers, consumers) to the project here and register it in stairs.config.ts')
    .argument('<name>', "the app's name (letters, digits, _ and -; it names the app's queues)")
    .addHelpText('after', '\nExample:\n  $ stairs-admin app:new hacker_news')
    .action((name: string) => {
      const { root, files } = createApp({ name })
      console.log(`created app ${name} in ${root}`)
      for (const file of files) console.log(`  ${file}`)
    })
}
