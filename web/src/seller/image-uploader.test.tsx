import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { ImageUploader } from './image-uploader';
import { MAX_IMAGE_BYTES } from './media';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const answer = (status: number, data: unknown, error?: unknown) =>
  Promise.resolve({ data, error, response: new Response(null, { status }) });

describe('the image uploader', () => {
  it('sends each file as multipart and adds the returned URLs', async () => {
    const post = vi
      .spyOn(api, 'POST')
      .mockImplementation((() =>
        answer(201, { id: 'med_1', url: '/media/med_1.png', width: 1, height: 1 })) as never);
    const onChange = vi.fn();
    const user = userEvent.setup();
    render(<ImageUploader images={['/media/old.png']} onChange={onChange} />);
    await user.upload(
      screen.getByLabelText('Upload images'),
      new File(['png'], 'mug.png', { type: 'image/png' }),
    );
    await vi.waitFor(() => expect(onChange).toHaveBeenCalledWith(['/media/old.png', '/media/med_1.png']));
    const options = post.mock.calls[0]![1] as unknown as { bodySerializer(): FormData };
    expect((options.bodySerializer().get('file') as File).name).toBe('mug.png');
  });

  it('says which file was refused and why: not an image (415), too large (413 or before sending)', async () => {
    vi.spyOn(api, 'POST')
      .mockImplementationOnce((() =>
        answer(415, undefined, {
          status: 415,
          code: 'unsupported_media_type',
          title: 'Unsupported',
        })) as never)
      .mockImplementationOnce((() =>
        answer(413, undefined, { status: 413, code: 'payload_too_large', title: 'Too large' })) as never);
    const onChange = vi.fn();
    const user = userEvent.setup({ applyAccept: false });
    render(<ImageUploader images={[]} onChange={onChange} />);
    const input = screen.getByLabelText('Upload images');
    await user.upload(input, new File(['text'], 'notes.txt', { type: 'text/plain' }));
    await screen.findByText('notes.txt is not a PNG, JPEG or WebP image.');
    await user.upload(input, new File(['png'], 'big.png', { type: 'image/png' }));
    await screen.findByText('big.png is larger than 5 MiB.');
    const huge = new File(['x'], 'huge.png', { type: 'image/png' });
    Object.defineProperty(huge, 'size', { value: MAX_IMAGE_BYTES + 1 });
    await user.upload(input, huge);
    await screen.findByText('huge.png is larger than 5 MiB.');
    expect(api.POST).toHaveBeenCalledTimes(2);
    expect(onChange).not.toHaveBeenCalled();
  });
});

function ProductImages() {
  const [images, setImages] = useState<string[]>([]);
  return <ImageUploader images={images} onChange={setImages} />;
}

describe('two uploads in flight', () => {
  it('keeps the images of both, whichever ends first', async () => {
    const answers: ((url: string) => void)[] = [];
    vi.spyOn(api, 'POST').mockImplementation(
      (() =>
        new Promise((resolve) => {
          answers.push((url) =>
            resolve({
              data: { id: 'med', url, width: 1, height: 1 },
              response: new Response(null, { status: 201 }),
            }),
          );
        })) as never,
    );
    const user = userEvent.setup();
    render(<ProductImages />);
    const input = screen.getByLabelText('Upload images');
    await user.upload(input, new File(['png'], 'mug.png', { type: 'image/png' }));
    await user.upload(input, new File(['png'], 'cup.png', { type: 'image/png' }));
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    answers[0]!('/media/mug.png');
    await screen.findByAltText('Uploaded file 1');
    answers[1]!('/media/cup.png');
    await screen.findByAltText('Uploaded file 2');
    const shown = screen.getAllByRole('img').map((image) => image.getAttribute('src'));
    expect(shown).toEqual(['/media/mug.png', '/media/cup.png']);
  });
});
