/** Adds and removes order tags. */
import { defineNode, next } from '../../connectors/sdk/define-node.ts'
import { requireOrder } from './require-order.ts'
import { tagListField } from './schema-fragments.ts'

type Config = { add?: string[]; remove?: string[] }

/** order.tag: outputs the tags it actually added and removed. */
export default defineNode<Config>({
  manifest: {
    type: 'order.tag',
    title: 'Tag order',
    description: 'Adds and removes tags on the order, e.g. vip or special-fulfillment.',
    category: 'order',
    icon: 'tag',
    inputs: 1,
    outputs: [{ name: 'out', title: 'Done' }],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        add: tagListField('Add tags', 'Tags to add to the order.'),
        remove: tagListField('Remove tags', 'Tags to remove from the order.'),
      },
    },
    i18n: {
      'zh-CN': {
        title: '订单打标',
        description: '给订单添加或移除标签，例如 vip、special-fulfillment。',
        ports: { out: '完成' },
        fields: {
          '/add': { title: '添加标签', description: '要给订单添加的标签。' },
          '/add/*': { title: '标签' },
          '/remove': { title: '移除标签', description: '要从订单上移除的标签。' },
          '/remove/*': { title: '标签' },
        },
      },
    },
  },
  run(ctx) {
    const order = requireOrder(ctx)
    const add = ctx.config.add ?? []
    const remove = ctx.config.remove ?? []
    // Same rule as patchOrder: removals apply first, so a tag both removed and added stays.
    const after = order.tags.filter((t) => !remove.includes(t))
    for (const t of add) if (!after.includes(t)) after.push(t)
    const added = after.filter((t) => !order.tags.includes(t))
    const removed = order.tags.filter((t) => !after.includes(t))
    const output = { added, removed }
    if (added.length === 0 && removed.length === 0) return next({ output })
    return next({ output, orderPatch: { ...(added.length ? { addTags: added } : {}), ...(removed.length ? { removeTags: removed } : {}) } })
  },
})
