import { Button, Card, Result } from 'antd';
import { Link } from 'react-router';
import { ApiError } from '../api/client';

/**
 * A record page whose record did not come: a 404 (a draft of others, a document not sent to the reader's unit,
 * or a record that does not exist — the server answers all alike) says so with why; another failure shows its
 * message. Either way the reader gets a way back to the list.
 */
export function RecordUnavailable(props: {
  error: unknown;
  notFound: { title: string; hint: string };
  failedTitle: string;
  back: { to: string; label: string };
}) {
  const missing = props.error instanceof ApiError && props.error.status === 404;
  return (
    <Card>
      <Result
        status={missing ? '404' : 'warning'}
        title={missing ? props.notFound.title : props.failedTitle}
        subTitle={missing ? props.notFound.hint : (props.error as Error | null)?.message}
        extra={
          <Link to={props.back.to}>
            <Button type="primary">{props.back.label}</Button>
          </Link>
        }
      />
    </Card>
  );
}
