import type { Command } from 'commander'
import { planPipeline } from '../../plan/planner.js'
import { commandProject } from '../command-project.js'
import { renderPlan } from '../graph-render.js'
import { selectPipelines } from '../project-context.js'

/** `stairs graph [app.pipeline ...]` */
export function registerGraph(program: Command): void {
  program
    .command('graph')
    .description('draw pipelines in the terminal: their stages (one queue each) as boxes, the nodes inside in run order')
    .argument('[pipelines...]', 'app or app.pipeline names (default: every pipeline of the project)')
    .addHelpText('after', '\nExample:\n  $ stairs graph demo.word_count\n')
    .action(async (selectors: string[]) => {
      const project = await commandProject()
      const drawings = selectPipelines(project, selectors).map((pipeline) => renderPlan(planPipeline(pipeline.graph())))
      console.log(drawings.join('\n\n'))
    })
}
