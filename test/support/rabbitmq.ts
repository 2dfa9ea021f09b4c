/**
 * The RabbitMQ the broker tests publish to: ORDO_TEST_RABBITMQ_URL (amqp://guest:guest@127.0.0.1:<port>/),
 * which `.ci/rabbitmq.sh start` prints and the CI script sets. Without it those tests are reported
 * skipped, never passed:
 *
 *   describe.skipIf(!rabbitUrl)(`publish.rabbitmq${rabbitUrl ? '' : ` (SKIPPED: ${NO_RABBITMQ_REASON})`}`, () => { … })
 */
export const rabbitUrl: string | undefined = process.env.ORDO_TEST_RABBITMQ_URL || undefined

/** Why the broker tests did not run. */
export const NO_RABBITMQ_REASON = 'no RabbitMQ: set ORDO_TEST_RABBITMQ_URL (eval "$(.ci/rabbitmq.sh start)" starts one on loopback)'
